/**
 * The impact report when a secret read at plan time becomes a sensitive value (xivo-cdktf now
 * reads keys and keytabs as `sensitive(file(...))`): Terraform updates the resources in place
 * (the e2e suite saw it on a deployed UC-Addon), so impact must not announce a restart.
 */
import { diffStack } from '../impact/changes';

const xuc = (keytab: string, conf = 'include "application.conf"\n') => ({
  resource: {
    docker_container: {
      xuc: {
        name: 'ucaddon-xuc',
        image: 'x',
        upload: [
          { file: '/conf/xuc.conf', content: conf },
          { file: '/etc/kerberos/xuc.keytab', content_base64: keytab },
        ],
      },
    },
  },
});

test('marking an uploaded keytab sensitive updates the container in place: no restart', () => {
  const changes = diffStack('feat-uc', xuc('${filebase64("../../../xuc.keytab")}'), xuc('${sensitive(filebase64("../../../xuc.keytab"))}'));
  expect(changes.map((c) => ({ id: c.id, action: c.action, causes: c.causes }))).toEqual([
    { id: 'xuc', action: 'update', causes: [{ attribute: 'upload', keys: ['/etc/kerberos/xuc.keytab'], effect: 'update' }] },
  ]);
});

test('a mark does not hide a real change next to it: another file changed still replaces the container', () => {
  const changes = diffStack('feat-uc', xuc('${filebase64("../../../xuc.keytab")}'), xuc('${sensitive(filebase64("../../../xuc.keytab"))}', 'other'));
  expect(changes.map((c) => `${c.id} ${c.action} ${c.causes.map((k) => `${k.attribute} [${k.keys?.join(', ')}] ${k.effect}`).join('; ')}`)).toEqual([
    'xuc replace upload [/conf/xuc.conf, /etc/kerberos/xuc.keytab] replace',
  ]);
});

test('another file read under the mark is a real change: replaced', () => {
  const changes = diffStack('feat-uc', xuc('${filebase64("../../../xuc.keytab")}'), xuc('${sensitive(filebase64("../../../other.keytab"))}'));
  expect(changes.map((c) => c.action)).toEqual(['replace']);
});
