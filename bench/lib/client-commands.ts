/**
 * Counts the commands this process sends to Redis, by command — and by script name for EVALSHA
 * (BullMQ's scripts as ioredis knows them, the engine's LuaScripts by their `name`) — plus the
 * round trips they took (a pipeline's commands share one). Bench instrumentation only: it
 * wraps `Redis.prototype.sendCommand` and `LuaScript.prototype.run` while counting.
 */
import { Pipeline, Redis } from 'ioredis';
import { LuaScript } from '../../engine/stores/script';

export interface ClientCommands {
  byName: Map<string, number>;
  commands: number;
  roundTrips: number;
}

type SendCommand = (this: Redis, command: { name: string; args: unknown[] }, stream?: unknown) => unknown;

export function countClientCommands(): { stop(): ClientCommands } {
  const shaNames = new Map<string, string>();
  const byName = new Map<string, number>();
  let commands = 0;
  let pipelined = 0;
  let pipelines = 0;
  const proto = Redis.prototype as unknown as { sendCommand: SendCommand };
  const send = proto.sendCommand;
  proto.sendCommand = function (this: Redis, command, stream) {
    let name = command.name;
    if (name === 'evalsha') {
      const sha = String(command.args[0]);
      if (!shaNames.has(sha)) {
        const scripts = (this as unknown as { scriptsSet?: Record<string, { sha: string }> }).scriptsSet ?? {};
        for (const [scriptName, script] of Object.entries(scripts)) shaNames.set(script.sha, `bullmq:${scriptName}`);
      }
      name = `evalsha ${shaNames.get(sha) ?? sha.slice(0, 8)}`;
    }
    byName.set(name, (byName.get(name) ?? 0) + 1);
    commands++;
    if (stream) pipelined++;
    return send.call(this, command, stream);
  };
  const pipeProto = Pipeline.prototype as unknown as { exec: (...args: unknown[]) => unknown };
  const exec = pipeProto.exec;
  pipeProto.exec = function (this: unknown, ...args: unknown[]) {
    pipelines++;
    return exec.apply(this, args);
  };
  const run = LuaScript.prototype.run;
  LuaScript.prototype.run = function (this: LuaScript, ...args: Parameters<LuaScript['run']>) {
    shaNames.set(this.sha, `engine:${this.name}`);
    return run.apply(this, args);
  };
  return {
    stop() {
      proto.sendCommand = send;
      pipeProto.exec = exec;
      LuaScript.prototype.run = run;
      return { byName, commands, roundTrips: commands - pipelined + pipelines };
    },
  };
}
