import FHIRCore

extension FHIRService {
    /// `statement` with `rest[0].security` describing SMART on FHIR when ``ServerConfiguration/smartEndpoints`` is
    /// set: the `oauth-uris` extension and the `SMART-on-FHIR` service code.
    func addingSecurity(to statement: JSON) -> JSON {
        guard let endpoints = configuration.smartEndpoints, case .object(var root) = statement,
              case .array(var rest)? = root["rest"], case .object(var server)? = rest.first else { return statement }
        var uris: [JSON] = [["url": "authorize", "valueUri": .string(endpoints.authorize)], ["url": "token", "valueUri": .string(endpoints.token)]]
        if let introspect = endpoints.introspect { uris.append(["url": "introspect", "valueUri": .string(introspect)]) }
        if let revoke = endpoints.revoke { uris.append(["url": "revoke", "valueUri": .string(revoke)]) }
        server["security"] = [
            "extension": [["url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris", "extension": .array(uris)]],
            "service": [[
                "coding": [["system": "http://terminology.hl7.org/CodeSystem/restful-security-service", "code": "SMART-on-FHIR"]],
                "text": "OAuth2 using SMART-on-FHIR profile (see http://docs.smarthealthit.org)",
            ]],
            "description": "SMART App Launch v2: authorization code with PKCE, backend services (private_key_jwt); see [base]/.well-known/smart-configuration",
        ]
        rest[0] = .object(server)
        root["rest"] = .array(rest)
        return .object(root)
    }
}
