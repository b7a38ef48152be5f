import Access
import Foundation

/// The access rules of one request, resolved once by ``FHIRService/handle(_:)``: who the actor is, and the instant
/// every decision of the request is taken at.
struct RequestAccess: Sendable {
    /// The caller as the token described it; nil when the rules are off.
    var caller: RequestCaller?
    /// The actor; nil when the rules are off (no restriction).
    var actor: AccessActor?
    /// The instant of the request.
    var now: Date
    /// What the request touched, for its audit record.
    let trail = AuditTrail()
    /// Document content written for the request, kept or removed once it is answered.
    let contents = PendingContents()

    /// No restriction: the rules are switched off (`--no-auth`), or an internal request.
    static var unrestricted: RequestAccess { RequestAccess(caller: nil, actor: nil, now: Date()) }

    init(caller: RequestCaller?, actor: AccessActor?, now: Date) {
        self.caller = caller
        self.actor = actor
        self.now = now
    }

    /// Whether nothing is restricted (rules off, or the operator).
    var isUnrestricted: Bool {
        switch actor {
        case nil, .administrator?: true
        default: false
        }
    }
}
