import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';

/** What every `/dr <subcommand>` implementation receives, after the router has acked the request. */
export interface SubcommandContext {
  /** Tokens after the subcommand, e.g. `/dr status payments` gives ['payments']. */
  readonly args: readonly string[];
  /** The raw text after the subcommand, for subcommands that parse flags themselves. */
  readonly rest: string;
  readonly userId: string;
  readonly channelId: string;
  readonly teamId: string;
  readonly triggerId: string;
  /** Posts to the command's response_url; `replace_original: true` edits the previous response in place. */
  readonly respond: RespondFn;
  readonly client: WebClient;
}

export type Subcommand = (ctx: SubcommandContext) => Promise<void>;
