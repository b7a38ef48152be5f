/// One page of an audit search: events newest first, and where the next page starts.
public struct AuditSearchPage: Sendable, Hashable {
    /// The events of the page, newest first.
    public var events: [AuditStoredEvent]
    /// The cursor of the next (older) page; nil when this is the last page.
    public var next: AuditCursor?

    /// A page.
    public init(events: [AuditStoredEvent], next: AuditCursor?) {
        self.events = events
        self.next = next
    }
}
