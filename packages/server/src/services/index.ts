import type { ServiceDeps } from './context.js';
import { authService, type LoginLimits } from './auth.service.js';
import { conversationsService } from './conversations.service.js';
import { friendsService } from './friends.service.js';
import { groupsService } from './groups.service.js';
import { messagesService } from './messages.service.js';
import { presenceService } from './presence.service.js';
import { syncService } from './sync.service.js';

export function createServices(deps: ServiceDeps & { loginLimits: LoginLimits; groupMaxMembers: number }) {
  const presence = presenceService(deps);
  return {
    auth: authService(deps),
    presence,
    friends: friendsService({ ...deps, presence }),
    conversations: conversationsService(deps),
    messages: messagesService(deps),
    groups: groupsService({ ...deps, presence, maxMembers: deps.groupMaxMembers }),
    sync: syncService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
export type { Actor, Origin, ServiceDeps } from './context.js';
export { defaultLoginLimits, type LoginLimits } from './auth.service.js';
