/**
 * The apply journal of a stack (`.terraform/xivo-deploy-journal.jsonl`). Before Terraform applies a
 * plan, the objects it is about to create are written down; when Terraform exits on its own (it has
 * then saved the state, success or not), that apply is marked finished, and a successful one clears
 * the journal. A deploy killed in the middle of an apply (Terraform saves a remote state only every
 * 20 s) leaves an unfinished entry: the next deploy adopts exactly the objects it was creating, never
 * a same-named one made by someone else (the docker provider does not read a container's labels back,
 * so the state cannot tell them apart).
 */
import * as fs from 'fs';
import * as path from 'path';
import { TerraformMessage } from './terraform';

type Entry =
  | { readonly event: 'apply'; readonly creates: readonly string[]; readonly at: string }
  | { readonly event: 'complete'; readonly address: string; readonly id?: string; readonly at: string }
  | { readonly event: 'finished'; readonly at: string };

export class ApplyJournal {
  private readonly file: string;

  constructor(stackDir: string) {
    this.file = path.join(stackDir, '.terraform', 'xivo-deploy-journal.jsonl');
  }

  private append(entry: Entry): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
  }

  /** Before the apply starts: the resource addresses it creates (created or replaced). */
  starting(creates: readonly string[]): void {
    this.append({ event: 'apply', creates, at: new Date().toISOString() });
  }

  /** A progress message of the apply: a finished create, with the object's id. */
  record(message: TerraformMessage): void {
    if (message.type !== 'apply_complete' || message.hook?.action !== 'create') return;
    this.append({
      event: 'complete',
      address: message.hook.resource.addr,
      ...(message.hook.id_value ? { id: message.hook.id_value } : {}),
      at: new Date().toISOString(),
    });
  }

  /** Terraform exited on its own: what it created is in the state (cleared when it succeeded). */
  finished(succeeded: boolean): void {
    if (succeeded) fs.rmSync(this.file, { force: true });
    else this.append({ event: 'finished', at: new Date().toISOString() });
  }

  private entries(): Entry[] {
    if (!fs.existsSync(this.file)) return [];
    return fs
      .readFileSync(this.file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Entry];
        } catch {
          return []; // a line cut by the kill
        }
      });
  }

  /**
   * Whether an object in the way of `address` was made by an apply of this stack from this machine
   * that never finished: one killed while creating it, or after creating it (with this id) but
   * before saving the state. A network is known by its name only.
   */
  owns(address: string, id: string, kind: 'container' | 'network'): boolean {
    // The creates and finished creates of every apply that never finished (a new apply after an
    // unfinished one means that one was killed).
    const interrupted: { creates: readonly string[]; completed: { address: string; id?: string }[] }[] = [];
    let open: (typeof interrupted)[number] | undefined;
    for (const entry of this.entries()) {
      if (entry.event === 'apply') {
        if (open) interrupted.push(open);
        open = { creates: entry.creates, completed: [] };
      } else if (entry.event === 'complete') {
        open?.completed.push(entry);
      } else {
        open = undefined;
      }
    }
    if (open) interrupted.push(open);
    return interrupted.some(
      (apply) => apply.creates.includes(address) || apply.completed.some((c) => c.address === address && (kind === 'network' || c.id === id)),
    );
  }

  /** Where the journal is, for messages. */
  get path(): string {
    return this.file;
  }
}
