export { CoreConfigSchema, TenantSchema, type CoreConfig, type CarrierConfig, type TenantConfig } from './schema.ts';
export { resolveConfig, loadConfigFile, defaultConfig, ConfigError } from './load.ts';
