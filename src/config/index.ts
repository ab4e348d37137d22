export { loadConfig, checkUrl, readDotEnv, ENV_SCHEMA, SECRET_VARIABLES } from './load-config.js';
export type { ZohoConfig, LoadConfigOptions } from './load-config.js';
export { DATA_CENTRES, DATA_CENTRE_NAMES } from './data-centres.js';
export type { DataCentre } from './data-centres.js';
