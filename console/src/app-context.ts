import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ConsoleRole } from '../../functions/http/console-roles.ts';
import type { Api, ShopSettingsView } from './api.ts';

export interface AppState {
  api: Api;
  shop: ShopSettingsView['shop'];
  role: ConsoleRole;
  /** Who signed in (their email): test sends go to their own address. */
  actor: string;
  navigate(hash: string): void;
}

export const AppContext = createContext<AppState | undefined>(undefined);

export const useApp = (): AppState => {
  const state = useContext(AppContext);
  if (!state) throw new Error('useApp outside the signed-in layout');
  return state;
};
