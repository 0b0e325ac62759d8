#!/usr/bin/env node
// The `tributary` command: runs the TypeScript CLI through tsx, so a clone works without a build.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../server/cli/main.ts', import.meta.url).href);
