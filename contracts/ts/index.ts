// Public surface of difftower's L1 side (contracts/): what the devnet and watchtower import.
export * from './anvil.js';
export * from './statement.js';
export * from './signing.js';
export * from './errors.js';
export * from './system.js';
export * from '../generated/artifacts.gen.js';
