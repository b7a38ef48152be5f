import FHIRCore
import Foundation

/// The checks a Subscription passes before it is stored, apart from its criteria's search (which the server
/// parses with its search parser): a channel this server delivers on, with what that channel needs, and a
/// rest-hook endpoint the ``EndpointPolicy`` allows.
public enum SubscriptionValidation {
    /// The payload MIME types a rest-hook may ask for (besides none: an empty body).
    public static let payloadTypes: Set<String> = ["application/fhir+json", "application/json"]

    /// Throws a 422 naming the element at fault.
    public static func check(_ json: JSON) throws(FHIRError) {
        guard let criteria = json["criteria"]?.stringValue, !criteria.isEmpty else {
            throw FHIRError(.unprocessable, "Subscription.criteria is required: a FHIR search such as Observation?patient=Patient/123",
                            issueType: "required", expression: ["Subscription.criteria"])
        }
        guard let type = json["channel"]?["type"]?.stringValue else {
            throw FHIRError(.unprocessable, "Subscription.channel.type is required (rest-hook or websocket)", issueType: "required",
                            expression: ["Subscription.channel.type"])
        }
        guard let channel = SubscriptionDefinition.Channel(rawValue: type) else {
            throw FHIRError(.unprocessable, "Subscription.channel.type '\(type)' is not supported: this server delivers on rest-hook and websocket",
                            issueType: "not-supported", expression: ["Subscription.channel.type"])
        }
        if channel == .restHook {
            guard let endpoint = json["channel"]?["endpoint"]?.stringValue, let url = URL(string: endpoint),
                  url.scheme == "http" || url.scheme == "https", url.host?.isEmpty == false else {
                throw FHIRError(.unprocessable, "A rest-hook Subscription needs channel.endpoint, an absolute http or https URL",
                                issueType: "required", expression: ["Subscription.channel.endpoint"])
            }
            if let payload = json["channel"]?["payload"]?.stringValue, !payload.isEmpty, !payloadTypes.contains(payload) {
                throw FHIRError(.unprocessable, "Subscription.channel.payload '\(payload)' is not supported (application/fhir+json, or none for an empty body)",
                                issueType: "not-supported", expression: ["Subscription.channel.payload"])
            }
        }
        for (index, header) in (json["channel"]?["header"]?.arrayValue ?? []).enumerated() {
            guard let line = header.stringValue, SubscriptionDefinition.header(line) != nil, !line.contains("\r"), !line.contains("\n") else {
                throw FHIRError(.unprocessable, "Subscription.channel.header[\(index)] must read 'Name: value'", issueType: "value",
                                expression: ["Subscription.channel.header[\(index)]"])
            }
        }
        let status = json["status"]?.stringValue ?? ""
        guard ["requested", "active", "off", "error"].contains(status) else {
            throw FHIRError(.unprocessable, "Subscription.status must be requested, active, error or off", issueType: "value",
                            expression: ["Subscription.status"])
        }
    }

    /// Throws a 422 naming `Subscription.channel.endpoint` when the policy refuses a rest-hook endpoint: its host
    /// is, or resolves to, a loopback, private, link-local... address the operator did not allow.
    ///
    /// A name that does not resolve now is accepted: the receiver may not be published yet, and every delivery
    /// attempt checks the name again before connecting (``RestHookSender``), so accepting it lets nothing through.
    public static func checkEndpoint(_ json: JSON, policy: EndpointPolicy) async throws(FHIRError) {
        guard json["channel"]?["type"]?.stringValue == SubscriptionDefinition.Channel.restHook.rawValue,
              let endpoint = json["channel"]?["endpoint"]?.stringValue else { return }
        if case .refused(let why) = await policy.check(endpoint) {
            throw FHIRError(.unprocessable, "Subscription.channel.endpoint is refused: \(why)", issueType: "value",
                            expression: ["Subscription.channel.endpoint"])
        }
    }
}
