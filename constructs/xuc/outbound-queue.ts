/**
 * OutboundQueue: ACD outgoing calls for call blending (XiVO CC "System Configuration"). xuc gets
 * `xuc.outboundLength`; the queue itself is created in the XiVO web interface (XiVO has no
 * queue API usable from our providers), from the specification in the generated runbook.
 */
import { Construct } from 'constructs';
import { outboundLengthProblem, queueNameProblem, queueNumberProblem } from './auth-checks';
import { Runbook } from '../runbook';
import { ValidationError } from '../errors';
import { XucContribution } from './contribution';
import { DEFAULT_OUTBOUND_LENGTH } from './xuc-defaults';
import { XucFeature, XucFeatureContext } from './xuc-feature';

export interface OutboundQueueProps {
  /** Queue name, starting with `out`. */
  readonly name: string;
  /** Queue number, digits. */
  readonly number: string;
  /** Dialled numbers longer than this go through the queue. @default 6 */
  readonly outboundLength?: number;
}

export class OutboundQueue extends Construct {
  /** The outbound queue as a feature of `XucService.addFeature()`. */
  static feature(props: OutboundQueueProps): XucFeature {
    return { id: 'outbound-queue', bind: (scope, context) => new OutboundQueue(scope, 'outbound-queue', props, context).contribution };
  }

  readonly contribution: XucContribution;

  /** @param context the xuc's environment (the runbook is written there) */
  constructor(scope: Construct, id: string, props: OutboundQueueProps, context: XucFeatureContext) {
    super(scope, id);
    const length = props.outboundLength ?? DEFAULT_OUTBOUND_LENGTH;
    const problem = queueNameProblem(props.name) ?? queueNumberProblem(props.number) ?? outboundLengthProblem(length);
    if (problem) throw new ValidationError(problem, this);
    this.contribution = { conf: { xuc: { outboundLength: length } } };
    new Runbook(this, 'runbook', { environment: context.environment, name: 'outbound-queue', content: runbook(props.name, props.number, length) });
  }
}

function runbook(name: string, number: string, length: number): string {
  return `# Outbound queue \`${name}\` (ACD outgoing calls for call blending)

xuc is deployed with \`xuc.outboundLength = ${length}\`: numbers of more than ${length} digits
dialled from CC Agent go through the queue \`${name}\`. XiVO offers no queue API our
deployment can call, so create the queue once in the XiVO web interface
(Services → Call center → Queues → Add), exactly as follows.

## Tab General
| Setting | Value |
|---|---|
| Name | \`${name}\` |
| Number | \`${number}\` |
| Music On-Hold | None |
| Preprocess subroutine | \`xuc_outcall_acd\` |

## Tab Application
| Setting | Value |
|---|---|
| Ringing Time | 0 |
| Ring instead of On-Hold music | activated |

## Agents
Every agent that makes outgoing ACD calls must be logged on \`${name}\`. Calls must be
dialled from CC Agent.

## Check (Asterisk CLI on the XiVO PBX: \`asterisk -rvvv\`)
1. \`queue show ${name}\` lists the agents as members (\`Agent/<number>\` … \`(dynamic)\`).
2. \`queue show skills groups agent-<id>\` shows the agent's skills.
3. Dial a number of more than ${length} digits from CC Agent: during the call the agent is
   \`(in call)\`; afterwards \`queue show ${name}\` shows \`C:1\` and "has taken 1 calls".
`;
}
