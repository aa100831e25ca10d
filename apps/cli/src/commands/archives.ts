import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { collect, splitRepoTag } from '../flags/filters.js';
import { onlyHost, selectHosts, type HostOptions } from '../flags/host-selection.js';
import type { Runtime } from '../runtime.js';
import { hostOptions } from './shared.js';

/** A file to upload, checked first so a typo reads as docker's message rather than a failed upload. */
function inputFile(path: string): NodeJS.ReadableStream {
  try {
    if (!statSync(path).isFile()) throw new CliError(`open ${path}: not a regular file`);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`open ${path}: no such file or directory`);
  }
  return createReadStream(path);
}

/** A Node stream as the web stream fetch uploads. */
function toWebStream(stream: NodeJS.ReadableStream): ReadableStream<Uint8Array> {
  return Readable.toWeb(stream as Readable) as unknown as ReadableStream<Uint8Array>;
}

export function saveCommand(rt: Runtime, name: string): Command {
  const command = new Command(name)
    .description('Save one or more images to a tar archive (streamed to STDOUT by default)')
    .usage('[OPTIONS] IMAGE [IMAGE...]')
    .argument('<IMAGE...>', 'name[:tag], name@digest, image ID or ID prefix')
    .option('-o, --output <file>', 'Write to a file, instead of STDOUT');
  hostOptions(command, { single: true });
  return command.action(async (refs: string[], options: HostOptions & { output?: string }) => {
    if (!options.output && rt.stdout.isTTY) throw new CliError('cowardly refusing to save to a terminal. Use the -o flag or redirect');
    const host = onlyHost(await selectHosts(rt, options, 'save', { single: true }));
    const archive = await rt.client().archives.exportImages({ host, refs });
    const source = Readable.fromWeb(archive as unknown as WebReadableStream<Uint8Array>);
    if (options.output) await pipeline(source, createWriteStream(options.output));
    else await pipeline(source, rt.stdout as Writable, { end: false });
  });
}

export function loadCommand(rt: Runtime, name: string): Command {
  const command = new Command(name)
    .description('Load an image from a tar archive or STDIN')
    .usage('[OPTIONS]')
    .option('-i, --input <file>', 'Read from tar archive file, instead of STDIN')
    .option('-q, --quiet', 'Suppress the load output');
  hostOptions(command, { single: true });
  return command.action(async (options: HostOptions & { input?: string; quiet?: boolean }) => {
    if (!options.input && rt.stdin.isTTY) throw new CliError('requested load from stdin, but stdin is empty');
    const host = onlyHost(await selectHosts(rt, options, 'load', { single: true }));
    const input = options.input ? inputFile(options.input) : rt.stdin;
    const result = await rt.client().archives.loadImages({ host, archive: toWebStream(input) });
    for (const image of result.loaded) {
      if (image.ref) rt.out(`Loaded image: ${image.ref}\n`);
      else if (image.imageId) rt.out(`Loaded image ID: ${image.imageId}\n`);
    }
  });
}

export function importCommand(rt: Runtime, name: string): Command {
  const command = new Command(name)
    .description('Import the contents from a tarball to create a filesystem image')
    .usage('[OPTIONS] file|URL|- [REPOSITORY[:TAG]]')
    .argument('<file|URL|->', 'a root filesystem tar, a URL the engine downloads, or - for STDIN')
    .argument('[REPOSITORY[:TAG]]', 'name of the new image')
    .option('-c, --change <instruction>', 'Apply Dockerfile instruction to the created image (repeatable)', collect)
    .option('-m, --message <string>', 'Set commit message for imported image')
    .option('--platform <string>', 'Set platform if server is multi-platform capable');
  hostOptions(command, { single: true });
  return command.action(async (source: string, reference: string | undefined, options: HostOptions & { change?: string[]; message?: string; platform?: string }) => {
    if (options.platform) throw new CliError('--platform: Hangar imports for the engine’s own platform only');
    const host = onlyHost(await selectHosts(rt, options, 'import', { single: true }));
    const { repo, tag } = reference ? splitRepoTag(reference) : { repo: undefined, tag: undefined };
    const body = /^https?:\/\//i.test(source) ? { url: source } : toWebStream(source === '-' ? rt.stdin : inputFile(source));
    const result = await rt.client().archives.importImage({ host, source: body, repo, tag, message: options.message, changes: options.change });
    rt.out(`${result.imageId}\n`);
  });
}
