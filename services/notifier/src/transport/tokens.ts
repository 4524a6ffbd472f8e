/** The NotifyEventHandler. */
export const NOTIFY_EVENT_HANDLER = Symbol('NotifyEventHandler');
/** The ReceiveWebhookHandler. */
export const RECEIVE_WEBHOOK_HANDLER = Symbol('ReceiveWebhookHandler');
/** The KubeNotificationObjects cache (Providers, Alerts, Receivers). */
export const NOTIFICATION_OBJECTS = Symbol('NotificationObjects');
/** The notifier's parsed config. */
export const NOTIFIER_CONFIG = Symbol('NotifierConfig');
