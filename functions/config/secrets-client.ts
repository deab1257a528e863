import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** Made at init: intake, admin and consent read a shop secret on every request. */
export const secrets = new SecretsManagerClient({});
