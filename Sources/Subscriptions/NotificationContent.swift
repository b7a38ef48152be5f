/// What a notification carries, as its subscription's owner may read it at delivery time
/// (``SubscriptionHost/notificationContent(_:type:id:version:)``).
public enum NotificationContent: Sendable, Hashable {
    /// The version written: its JSON as stored.
    case resource([UInt8])
    /// The resource was deleted (the owner could read the version that was deleted): nothing left to send.
    case deleted
}
