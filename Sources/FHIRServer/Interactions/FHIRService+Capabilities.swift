import FHIRCore
import Foundation

extension FHIRService {
    /// The software version reported in the CapabilityStatement.
    public static let softwareVersion = "0.1.0"

    /// `GET [base]/metadata`: a CapabilityStatement that claims only what is implemented.
    func capabilities(_ request: FHIRRequest) -> FHIRResponse {
        let json = capabilityStatement
        return FHIRResponse(status: 200, headers: [("Content-Type", FHIRMediaType.fhirJSON)], body: render(json, request))
    }

    /// The CapabilityStatement of this server.
    var capabilityStatement: JSON {
        let interactions: JSON = .array(["read", "vread", "update", "patch", "delete", "history-instance", "history-type", "create", "search-type"].map { .object(["code": .string($0)]) })
        let resources: [JSON] = R4.resourceTypes.sorted().map { type in
            var searchParams: [JSON] = [["name": "_id", "type": "token", "definition": "http://hl7.org/fhir/SearchParameter/Resource-id"]]
            for p in R4.searchParameters.parameters(for: type) where p.type == .token && !p.code.hasPrefix("_") {
                searchParams.append(.object(["name": .string(p.code), "type": "token", "definition": .string(p.url)]))
            }
            return .object([
                "type": .string(type),
                "interaction": interactions,
                "versioning": "versioned-update",
                "readHistory": true,
                "updateCreate": true,
                "conditionalCreate": true,
                "conditionalRead": "modified-since",
                "conditionalUpdate": true,
                "conditionalDelete": "single",
                "referencePolicy": ["literal", "logical"],
                "searchParam": .array(searchParams),
            ])
        }
        let statement: JSON = [
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": .string(FHIRInstant.format(Date())),
            "publisher": "Dossier",
            "kind": "instance",
            "software": ["name": "Dossier", "version": .string(Self.softwareVersion)],
            "implementation": ["description": "Dossier shared health record", "url": .string(configuration.baseURL)],
            "fhirVersion": "4.0.1",
            "format": ["application/fhir+json", "json"],
            "patchFormat": ["application/json-patch+json"],
            "rest": [[
                "mode": "server",
                "resource": .array(resources),
                "interaction": [["code": "transaction"], ["code": "batch"], ["code": "history-system"]],
            ]],
        ]
        return addingSecurity(to: statement)
    }
}
