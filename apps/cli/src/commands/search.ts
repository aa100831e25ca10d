import { Command } from 'commander';
import { SEARCH_HEADERS, searchFormat, searchRow } from '../docker/search-rows.js';
import { formatRows } from '../format/docker-format.js';
import { collect, searchFilter } from '../flags/filters.js';
import type { Runtime } from '../runtime.js';
import { FORMAT_HELP, positiveInt, templateFailure } from './shared.js';

interface SearchOptions {
  filter?: string[];
  format?: string;
  limit?: number;
  trunc: boolean;
  registry?: string;
  host?: string;
}

export function searchCommand(rt: Runtime, name: string): Command {
  return new Command(name)
    .description('Search Docker Hub (through an engine) or a configured registry for images')
    .usage('[OPTIONS] TERM')
    .argument('<TERM>', 'what to look for, e.g. nginx or registry.example.com:5000/team')
    .option('-f, --filter <filter>', 'Filter output based on conditions provided (stars=N, is-official=BOOL, is-automated=BOOL)', collect)
    .option('--format <string>', FORMAT_HELP)
    .option('--limit <int>', 'Max number of search results', positiveInt('--limit'))
    .option('--no-trunc', "Don't truncate output")
    .option('--registry <name>', 'Search a registry configured in Hangar (its catalog or search API) instead of Docker Hub')
    .option('-H, --host <name>', 'The engine to search through (default: the first host that is up)')
    .action(async (term: string, options: SearchOptions) => {
      const filter = searchFilter(options.filter);
      const { searchImages } = await rt.client().searchImages({
        term,
        filter,
        limit: options.limit,
        registry: options.registry,
        host: options.host ?? rt.connection().defaultHost,
      });
      try {
        rt.out(formatRows(searchFormat(options.format), searchImages.map((hit) => searchRow(hit, { noTrunc: !options.trunc })), SEARCH_HEADERS));
      } catch (error) {
        templateFailure(error);
      }
    });
}
