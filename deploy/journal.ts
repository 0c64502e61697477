/**
 * The apply journal of a stack (`.terraform/xivo-deploy-journal.jsonl`): every create Terraform
 * starts, finishes or fails, appended as it happens. A deploy killed in the middle of an apply
 * leaves there the trace of what it may have created on the host without recording it in the state
 * (Terraform saves a remote state only every 20 s during an apply); the next deploy adopts exactly
 * those objects, never a same-named one made by someone else (the docker provider does not read a
 * container's labels, so the state cannot tell). Cleared when an apply of the stack completes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { TerraformMessage } from './terraform';

interface Entry {
  readonly event: 'start' | 'complete' | 'errored';
  readonly address: string;
  readonly id?: string;
  readonly at: string;
}

export class ApplyJournal {
  private readonly file: string;

  constructor(stackDir: string) {
    this.file = path.join(stackDir, '.terraform', 'xivo-deploy-journal.jsonl');
  }

  /** Appends the creates of an apply's progress message (written before anything else reacts to it). */
  record(message: TerraformMessage): void {
    const hook = message.hook;
    if (!hook || hook.action !== 'create') return;
    const event = message.type === 'apply_start' ? 'start' : message.type === 'apply_complete' ? 'complete' : message.type === 'apply_errored' ? 'errored' : undefined;
    if (!event) return;
    const entry: Entry = { event, address: hook.resource.addr, ...(hook.id_value ? { id: hook.id_value } : {}), at: new Date().toISOString() };
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
  }

  clear(): void {
    fs.rmSync(this.file, { force: true });
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
   * Whether an object in the way of `address` was made by an apply of this stack from this
   * machine: its create was started and never finished nor failed (killed in the middle), or it
   * finished with this id (killed before the state was saved). A network is known by its name only.
   */
  owns(address: string, id: string, kind: 'container' | 'network'): boolean {
    const mine = this.entries().filter((e) => e.address === address);
    const last = mine[mine.length - 1];
    if (last?.event === 'start') return true;
    return mine.some((e) => e.event === 'complete' && (kind === 'network' || e.id === id));
  }

  /** Where the journal is, for messages. */
  get path(): string {
    return this.file;
  }
}
