/**
 * ESLint rule `xivo/props-default`: every optional property of an exported interface whose name
 * ends in `Props` carries a JSDoc comment with an `@default` tag, saying what happens when it is
 * left out (the CDK convention aws-cdk's awslint enforces). Like TypeDoc, which renders it as the
 * property's "Default" section, the tag may end a one-line comment: `/** Mode. @default '0600' *\/`.
 * eslint-plugin-jsdoc cannot say this: its comment selectors ignore the interface's name.
 */
'use strict';

/** A JSDoc block (a comment opening with `/**`), not `//` nor a plain `/*` comment. */
const isJsdoc = (comment) => comment.type === 'Block' && comment.value.startsWith('*');

/** @type {import('eslint').Rule.RuleModule} */
module.exports = {
  meta: {
    type: 'suggestion',
    docs: { description: 'Optional properties of exported ...Props interfaces need a JSDoc comment with an @default tag' },
    schema: [],
    messages: {
      missingJsdoc: '{{ iface }}.{{ prop }} is optional: document it with a JSDoc comment and an @default tag (what happens when it is left out).',
      missingDefault: '{{ iface }}.{{ prop }} is optional: its JSDoc needs an @default tag (what happens when it is left out).',
    },
  },
  create(context) {
    const sourceCode = context.sourceCode;
    return {
      'ExportNamedDeclaration > TSInterfaceDeclaration'(iface) {
        if (!iface.id.name.endsWith('Props')) return;
        for (const member of iface.body.body) {
          if (member.type !== 'TSPropertySignature' || !member.optional) continue;
          const data = { iface: iface.id.name, prop: sourceCode.getText(member.key) };
          const doc = sourceCode.getCommentsBefore(member).filter(isJsdoc).pop();
          if (!doc) context.report({ node: member, messageId: 'missingJsdoc', data });
          else if (!/(^|\s)@default(\s|$)/.test(doc.value)) context.report({ node: member, messageId: 'missingDefault', data });
        }
      },
    };
  },
};
