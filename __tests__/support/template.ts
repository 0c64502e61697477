/**
 * Assertions on a synthesized stack, modelled on aws-cdk's `Template` (assertions/lib/template.ts)
 * and TerraConstructs' test helpers: `Template.fromStack(stack)` synthesizes it once (validations
 * run) and answers what a test asks: resource counts and properties, a container's env, uploads,
 * mounts and labels by its Docker name, the stack's variables, and the constructs' warnings and
 * notes. A missing container or upload fails with what exists instead.
 */
import { AnnotationMetadataEntryType, TerraformStack, Testing } from '../../constructs/terraform-cdk';

type Json = Record<string, any>;

/** A synthesized `docker_container`, by what tests read of it. */
export class ContainerTemplate {
  constructor(
    /** Its synthesized arguments (snake_case, as in cdk.tf.json). */
    readonly json: Json,
  ) {}

  /** `KEY=VALUE` env entries as a map. */
  get env(): Record<string, string> {
    return Object.fromEntries(((this.json.env as string[] | undefined) ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  }

  /** Paths of the files uploaded into it, sorted as synthesized. */
  get uploads(): string[] {
    return ((this.json.upload as { file: string }[] | undefined) ?? []).map((u) => u.file);
  }

  /** The upload at `file` (content or content_base64, permissions). */
  upload(file: string): Json {
    const found = ((this.json.upload as Json[] | undefined) ?? []).find((u) => u.file === file);
    if (!found) throw new Error(`no upload ${file} in ${this.json.name} (uploads: ${this.uploads.join(', ') || 'none'})`);
    return found;
  }

  /** Its volumes and bind mounts, as synthesized. */
  get mounts(): Json[] {
    return (this.json.volumes as Json[] | undefined) ?? [];
  }

  /** Its labels as a map. */
  get labels(): Record<string, string> {
    return Object.fromEntries(((this.json.labels as { label: string; value: string }[] | undefined) ?? []).map((l) => [l.label, l.value]));
  }
}

export class Template {
  /** Synthesizes `stack` (its validations run, as synth runs them). */
  static fromStack(stack: TerraformStack, options: { readonly validate?: boolean } = {}): Template {
    return new Template(JSON.parse(Testing.synth(stack, options.validate ?? true)), stack);
  }

  /** A stack's cdk.tf.json synthesized elsewhere (a whole app, with its cross-stack references). */
  static fromJSON(json: Json, stack?: TerraformStack): Template {
    return new Template(json, stack);
  }

  private constructor(
    /** The synthesized configuration. */
    readonly json: Json,
    private readonly stack?: TerraformStack,
  ) {}

  /** Resources of `type` by logical id whose arguments contain `props` (deep, as jest's `objectContaining`). */
  findResources(type: string, props: Json = {}): Record<string, Json> {
    return Object.fromEntries(Object.entries<Json>(this.json.resource?.[type] ?? {}).filter(([, r]) => this.matches(r, props)));
  }

  /** Resources of `type`, in logical-id order. */
  resources(type: string): Json[] {
    return Object.entries<Json>(this.json.resource?.[type] ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, r]) => r);
  }

  resourceCountIs(type: string, count: number): void {
    expect(Object.keys(this.json.resource?.[type] ?? {})).toHaveLength(count);
  }

  /** At least one resource of `type` has arguments containing `props`. */
  hasResourceProperties(type: string, props: Json): void {
    expect(this.resources(type)).toEqual(expect.arrayContaining([expect.objectContaining(props)]));
  }

  /** Docker names of the containers, sorted. */
  get containerNames(): string[] {
    return this.resources('docker_container')
      .map((c) => c.name as string)
      .sort();
  }

  /** The container named `name` (its Docker name). */
  container(name: string): ContainerTemplate {
    const found = this.resources('docker_container').find((c) => c.name === name);
    if (!found) throw new Error(`no container ${name} (containers: ${this.containerNames.join(', ') || 'none'})`);
    return new ContainerTemplate(found);
  }

  /** A Terraform variable of the stack. */
  variable(name: string): Json {
    const found = this.json.variable?.[name];
    if (!found) throw new Error(`no variable ${name} (variables: ${Object.keys(this.json.variable ?? {}).join(', ') || 'none'})`);
    return found;
  }

  /** The constructs' warnings, `<construct path>: <message>`, in tree order. */
  warnings(): string[] {
    return this.annotations(AnnotationMetadataEntryType.WARN);
  }

  /** The constructs' notes (info annotations), `<construct path>: <message>`. */
  notes(): string[] {
    return this.annotations(AnnotationMetadataEntryType.INFO);
  }

  private annotations(type: string): string[] {
    if (!this.stack) throw new Error('annotations need the stack: use Template.fromStack, or fromJSON(json, stack)');
    return this.stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === type).map((m) => `${c.node.path}: ${m.data}`));
  }

  private matches(resource: Json, props: Json): boolean {
    try {
      expect(resource).toEqual(expect.objectContaining(props));
      return true;
    } catch {
      return false;
    }
  }
}
