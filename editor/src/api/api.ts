/** The server's REST API, one typed function per route: the client shared with the CLI. */
export { createApi, type Api, type CredentialWrite as CredentialBody } from '../../../contracts/api';
