import { Global, Module } from '@nestjs/common';
import { NotificationBus } from './notification-bus';

/**
 * Console notifications: the in-process event bus. Global, so that any feature service can
 * publish (bucket created, user locked, settings changed…) without importing this module; the
 * console streams the events as SSE (console/controllers/notifications.controller.ts).
 */
@Global()
@Module({ providers: [NotificationBus], exports: [NotificationBus] })
export class NotificationsModule {}
