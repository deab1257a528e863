/**
 * The Aliyun and Tencent SDKs are CommonJS. Node hands their exports over as named ones; inside
 * esbuild's bundle a dynamic import gives only `default` (module.exports): take whichever is there.
 */
export const cjsDefault = <T>(mod: { default: { default: T } }): T =>
  mod.default.default ?? (mod.default as unknown as T);

export const cjsNamed = <M extends object, K extends keyof M>(mod: M, name: K): M[K] =>
  (mod[name] ?? (mod as unknown as { default: M }).default[name]) as M[K];
