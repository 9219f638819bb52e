import { describe, expect, it } from 'vitest';
import { changedProjects } from '../../src/registry/changed-projects.js';
import type { Registry } from '../../src/registry/types.js';

const base = (): Registry => ({
  version: 1,
  reserved: [{ port: 22, reason: 'SSH' }],
  projects: {
    app: { range: { from: 5100, to: 5199 }, path: 'app', description: 'the app', services: { api: { port: 5101, purpose: 'API', env: 'API_PORT' } } },
    web: { range: { from: 5200, to: 5299 }, path: 'web', services: { site: { port: 5201, purpose: 'site' } } },
  },
});

describe('changedProjects: which projects a registry change concerns', () => {
  it('nothing, for the same registry with its keys in another order or another description', () => {
    const after = base();
    after.projects.app = { description: 'the application', services: after.projects.app!.services, path: 'app', range: { to: 5199, from: 5100 } };
    expect(changedProjects(base(), after)).toEqual({ projects: [], everything: false });
  });

  it('a project whose service, range or path changed, a project added and one removed', () => {
    const after = base();
    after.projects.app!.services!.api!.port = 5102;
    delete after.projects.web;
    after.projects.new = { range: { from: 5300, to: 5399 } };
    expect(changedProjects(base(), after)).toEqual({ projects: ['app', 'new', 'web'], everything: false });
    const moved = base();
    moved.projects.web!.path = 'sites/web';
    expect(changedProjects(base(), moved)).toEqual({ projects: ['web'], everything: false });
  });

  it('a release record names its project; a reservation concerns everything', () => {
    const released = base();
    delete released.projects.web!.services!.site;
    released.released = [{ project: 'web', service: 'site', port: 5201, releasedAt: '2026-11-25T12:00:00.000Z' }];
    expect(changedProjects(base(), released)).toEqual({ projects: ['web'], everything: false });
    const reserved = base();
    reserved.reserved!.push({ port: 5250, reason: 'proxy' });
    expect(changedProjects(base(), reserved)).toEqual({ projects: [], everything: true });
  });
});
