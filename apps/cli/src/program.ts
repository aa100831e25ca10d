import { Command } from 'commander';
import { importCommand, loadCommand, saveCommand } from './commands/archives.js';
import { buildCommand } from './commands/build.js';
import { commitCommand } from './commands/commit.js';
import { historyCommand } from './commands/history.js';
import { hostLsCommand } from './commands/host-ls.js';
import { imageInspectCommand } from './commands/image-inspect.js';
import { imageLsCommand } from './commands/image-ls.js';
import { copyCommand, jobCommand, pullCommand, pushCommand } from './commands/jobs.js';
import { pruneCommand } from './commands/prune.js';
import { rmiCommand } from './commands/rmi.js';
import { searchCommand } from './commands/search.js';
import { systemDfCommand } from './commands/system-df.js';
import { tagCommand } from './commands/tag.js';
import type { Runtime } from './runtime.js';

const LS_USAGE = '[OPTIONS] [REPOSITORY[:TAG]]';

/** The `hangar` command tree: docker's names and flags (`image …`, `system df`, short forms), plus `host ls`. */
export function buildProgram(rt: Runtime): Command {
  const program = new Command('hangar')
    .description(
      "docker's image commands over a fleet of Docker Engines, through Hangar.\n\n" +
        'Connection: HANGAR_URL and HANGAR_TOKEN, or {"url", "token", "host"} in ~/.config/hangar/config.json (HANGAR_CONFIG_FILE).\n' +
        'Hosts: -H NAME (repeatable) or --all-hosts on each command; HANGAR_HOST (or "host") is the default.',
    )
    .usage('COMMAND [OPTIONS]')
    .helpCommand(false)
    .showHelpAfterError(false);

  const image = new Command('image').description('Manage images').usage('COMMAND');
  image.addCommand(imageLsCommand(rt, 'ls', LS_USAGE).alias('list'));
  image.addCommand(imageInspectCommand(rt));
  image.addCommand(historyCommand(rt, 'history'));
  image.addCommand(tagCommand(rt, 'tag'));
  image.addCommand(rmiCommand(rt, 'rm').alias('remove'));
  image.addCommand(pruneCommand(rt));
  image.addCommand(searchCommand(rt, 'search'));
  image.addCommand(saveCommand(rt, 'save'));
  image.addCommand(loadCommand(rt, 'load'));
  image.addCommand(importCommand(rt, 'import'));
  image.addCommand(pullCommand(rt, 'pull'));
  image.addCommand(pushCommand(rt, 'push'));
  image.addCommand(buildCommand(rt, 'build'));
  image.addCommand(copyCommand(rt, 'copy').alias('cp'));
  program.addCommand(image);

  const system = new Command('system').description('Manage Docker').usage('COMMAND');
  system.addCommand(systemDfCommand(rt));
  program.addCommand(system);

  const host = new Command('host').description('The hosts of the fleet').usage('COMMAND');
  host.addCommand(hostLsCommand(rt));
  program.addCommand(host);

  program.addCommand(jobCommand(rt));

  // docker's short forms.
  program.addCommand(imageLsCommand(rt, 'images', LS_USAGE));
  program.addCommand(rmiCommand(rt, 'rmi'));
  program.addCommand(tagCommand(rt, 'tag'));
  program.addCommand(historyCommand(rt, 'history'));
  program.addCommand(searchCommand(rt, 'search'));
  program.addCommand(saveCommand(rt, 'save'));
  program.addCommand(loadCommand(rt, 'load'));
  program.addCommand(importCommand(rt, 'import'));
  program.addCommand(commitCommand(rt, 'commit'));
  program.addCommand(pullCommand(rt, 'pull'));
  program.addCommand(pushCommand(rt, 'push'));
  program.addCommand(buildCommand(rt, 'build'));
  return program;
}
