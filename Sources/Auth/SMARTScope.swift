/// One scope a SMART App Launch v2 client may request, as a typed value.
public enum SMARTScope: Sendable, Hashable {
    /// A resource scope (`patient/Observation.rs`, `user/*.cruds`, `system/*.rs`, v1 `patient/*.read`).
    case resource(ResourceScope)
    /// `openid`: an OpenID Connect `id_token` is returned.
    case openid
    /// `fhirUser`: the `id_token` names the signed-in user's FHIR resource.
    case fhirUser
    /// `launch/patient`: a standalone launch asks for a patient in context.
    case launchPatient
    /// `launch`: an EHR launch (the `launch` parameter carries the context).
    case launch
    /// `offline_access`: a refresh token that outlives the session.
    case offlineAccess
    /// `online_access`: a refresh token for the session.
    case onlineAccess

    /// Parses one scope token; `nil` for a scope this server does not know (it is then not granted).
    public init?(_ text: Substring) {
        switch text {
        case "openid": self = .openid
        case "fhirUser": self = .fhirUser
        case "launch/patient": self = .launchPatient
        case "launch": self = .launch
        case "offline_access": self = .offlineAccess
        case "online_access": self = .onlineAccess
        default:
            guard let scope = ResourceScope(text) else { return nil }
            self = .resource(scope)
        }
    }

    /// The scope's text, resource scopes in v2 form.
    public var text: String {
        switch self {
        case .resource(let scope): scope.text
        case .openid: "openid"
        case .fhirUser: "fhirUser"
        case .launchPatient: "launch/patient"
        case .launch: "launch"
        case .offlineAccess: "offline_access"
        case .onlineAccess: "online_access"
        }
    }
}
