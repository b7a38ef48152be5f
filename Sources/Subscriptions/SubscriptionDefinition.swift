import Access
import FHIRCore
import Foundation

/// What the dispatcher needs of one R4 `Subscription` resource: its criteria, channel and owner.
public struct SubscriptionDefinition: Sendable, Hashable {
    /// The channels this server delivers on.
    public enum Channel: String, Sendable, Hashable, CaseIterable {
        /// `POST` to `channel.endpoint`.
        case restHook = "rest-hook"
        /// `ping` messages on the server's websocket, to a client that sent `bind <id>`.
        case websocket
    }

    /// The resource id.
    public var id: String
    /// `Subscription.status` (`requested`, `active`, `error`, `off`).
    public var status: String
    /// `Subscription.criteria`, e.g. `Observation?patient=Patient/123`.
    public var criteria: String
    /// The channel; nil when `channel.type` is one this server does not deliver on.
    public var channel: Channel?
    /// `channel.endpoint` (rest-hook).
    public var endpoint: String?
    /// `channel.payload`: the MIME type of the body (`application/fhir+json`), nil for an empty body.
    public var payload: String?
    /// `channel.header`, each `Name: value`.
    public var headers: [(name: String, value: String)]
    /// The owner recorded by the server (``Access/ResourceOwner``); nil when none was recorded.
    public var owner: String?
    /// The PractitionerRole the owner acted through.
    public var ownerRole: String?

    /// Reads a stored Subscription.
    public init(id: String, json: JSON) {
        self.id = id
        status = json["status"]?.stringValue ?? ""
        criteria = json["criteria"]?.stringValue ?? ""
        let channelJSON = json["channel"]
        channel = channelJSON?["type"]?.stringValue.flatMap(Channel.init(rawValue:))
        endpoint = channelJSON?["endpoint"]?.stringValue
        let payload = channelJSON?["payload"]?.stringValue
        self.payload = payload?.isEmpty == true ? nil : payload
        headers = (channelJSON?["header"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(Self.header) }
        owner = ResourceOwner.owner(of: json)
        ownerRole = ResourceOwner.role(of: json)
    }

    /// Whether notifications are due on it.
    public var isActive: Bool { status == "active" && channel != nil }

    /// The resource type the criteria select (the part before `?`).
    public var criteriaType: String { String(criteria.prefix { $0 != "?" }) }

    /// The query string of the criteria (after `?`, possibly empty).
    public var criteriaQuery: String {
        guard let mark = criteria.firstIndex(of: "?") else { return "" }
        return String(criteria[criteria.index(after: mark)...])
    }

    /// `Name: value` split at the first colon; nil when there is none or the name is empty.
    static func header(_ line: String) -> (name: String, value: String)? {
        guard let colon = line.firstIndex(of: ":") else { return nil }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces)
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        return name.isEmpty ? nil : (name, value)
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.id == b.id && a.status == b.status && a.criteria == b.criteria && a.channel == b.channel && a.endpoint == b.endpoint
            && a.payload == b.payload && a.owner == b.owner && a.ownerRole == b.ownerRole
            && a.headers.map { "\($0.name):\($0.value)" } == b.headers.map { "\($0.name):\($0.value)" }
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(id); hasher.combine(criteria); hasher.combine(status) }
}
