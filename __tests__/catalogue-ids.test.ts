/** Service ids are a closed type: SERVICE_IDS lists the catalogue's definitions, and the helpers read them. */
import { findService, roleOfService, serviceDefinition, SERVICES } from '../catalogue/services';
import { ALL_ROLES, FRONT_ROLES, isFrontRole, isServiceId, Role, SERVICE_IDS, ServiceId } from '../catalogue/types';

describe('SERVICE_IDS', () => {
  test('names exactly the catalogue definitions, in catalogue order (the start order on a server)', () => {
    expect(SERVICES.map((s) => s.id)).toEqual([...SERVICE_IDS]);
  });

  test('every id is `<role>.<name>` of its definition', () => {
    expect(SERVICE_IDS.filter((id) => id !== `${serviceDefinition(id).role}.${serviceDefinition(id).name}`)).toEqual([]);
  });

  test('a misspelt id does not compile', () => {
    // @ts-expect-error 'cc.xcu' is not a catalogue service (checked by `npm run typecheck`).
    const misspelt: ServiceId = 'cc.xcu';
    expect(isServiceId(misspelt)).toBe(false);
  });
});

describe('isServiceId', () => {
  test('accepts catalogue ids and refuses anything else', () => {
    expect(SERVICE_IDS.every(isServiceId)).toBe(true);
    expect(['cc.xcu', 'cc.', 'cc', 'xuc', 'CC.XUC', ' cc.xuc', ''].filter(isServiceId)).toEqual([]);
  });
});

describe('findService', () => {
  test('finds a definition by a string from an environment file, undefined when unknown', () => {
    expect(findService('ucaddon.xucmgt')?.id).toBe('ucaddon.xucmgt');
    expect(findService('ucaddon.xucmgtt')).toBeUndefined();
  });
});

describe('roleOfService', () => {
  test('is the role of the definition', () => {
    expect(roleOfService('xivo.configmgt')).toBe(Role.XIVO);
    expect(roleOfService('edge.nginx')).toBe(Role.EDGE);
    expect(roleOfService('ucaddon.nginx')).toBe(Role.UC_ADDON);
    expect(SERVICE_IDS.filter((id) => roleOfService(id) !== serviceDefinition(id).role)).toEqual([]);
  });
});

describe('front roles', () => {
  test('XiVO CC and UC-Addon carry the xuc/xucmgt/nginx front; no other role does', () => {
    expect(FRONT_ROLES).toEqual([Role.CC, Role.UC_ADDON]);
    expect(ALL_ROLES.filter(isFrontRole)).toEqual([Role.CC, Role.UC_ADDON]);
    expect(ALL_ROLES.filter((role) => isServiceId(`${role}.xuc`))).toEqual([...FRONT_ROLES]);
  });
});
