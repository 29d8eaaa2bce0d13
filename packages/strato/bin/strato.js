#!/usr/bin/env node
// Starts the command line. The package ships TypeScript sources, which tsx loads.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
