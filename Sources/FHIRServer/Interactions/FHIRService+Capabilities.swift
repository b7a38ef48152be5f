import FHIRCore
import Foundation

extension FHIRService {
    /// The software version reported in the CapabilityStatement.
    public static let softwareVersion = "0.2.0"

    /// `GET [base]/metadata`: a CapabilityStatement that claims only what is implemented.
    func capabilities(_ request: FHIRRequest) -> FHIRResponse {
        let json = capabilityStatement
        return FHIRResponse(status: 200, headers: [("Content-Type", FHIRMediaType.fhirJSON)], body: render(json, request))
    }

    /// The CapabilityStatement of this server: every resource type with its search parameters in force (standard
    /// and custom), includes and reverse includes, and the operations implemented.
    var capabilityStatement: JSON {
        let registry = searchEngines.current.registry
        let interactions: JSON = .array(["read", "vread", "update", "patch", "delete", "history-instance", "history-type", "create", "search-type"].map { .object(["code": .string($0)]) })
        let common: [JSON] = [
            ["name": "_id", "type": "token", "definition": "http://hl7.org/fhir/SearchParameter/Resource-id"],
            ["name": "_lastUpdated", "type": "date", "definition": "http://hl7.org/fhir/SearchParameter/Resource-lastUpdated"],
        ]
        let resources: [JSON] = R4.resourceTypes.sorted().map { type in
            var searchParams = common
            var includes: [JSON] = []
            for p in registry.parameters(for: type) where p.type != .special && p.code != "_id" && p.code != "_lastUpdated" {
                searchParams.append(.object(["name": .string(p.code), "type": .string(p.type.rawValue), "definition": .string(p.url)]))
                if p.type == .reference { includes.append(.string("\(type):\(p.code)")) }
            }
            var resource: JSONObject = [
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
                "searchInclude": .array([.string("*")] + includes),
                "searchRevInclude": .array([.string("*")]),
                "searchParam": .array(searchParams),
            ]
            var operations: [JSON] = [["name": "reindex", "definition": "https://dossier.health/OperationDefinition/reindex"]]
            if type == "Patient" {
                operations.append(["name": "everything", "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything"])
                operations.append(["name": "summary", "definition": "http://hl7.org/fhir/uv/ips/OperationDefinition/summary"])
            }
            resource["operation"] = .array(operations)
            if let documentation = Self.documentDocumentation[type] { resource["documentation"] = .string(documentation) }
            return .object(resource)
        }
        let statement: JSON = [
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": .string(FHIRInstant.format(Date())),
            "publisher": "Dossier",
            "kind": "instance",
            "software": ["name": "Dossier", "version": .string(Self.softwareVersion)],
            "implementation": ["description": "Dossier shared health record", "url": .string(configuration.baseURL)],
            "instantiates": .array(Self.mhdActors.map { .string($0) }),
            "fhirVersion": "4.0.1",
            "format": ["application/fhir+json", "json"],
            "patchFormat": ["application/json-patch+json"],
            "rest": [[
                "mode": "server",
                "resource": .array(resources),
                "interaction": [["code": "transaction"], ["code": "batch"], ["code": "history-system"], ["code": "search-system"]],
                "searchParam": [
                    ["name": "_type", "type": "token", "definition": "http://hl7.org/fhir/SearchParameter/Resource-type"],
                    ["name": "_id", "type": "token", "definition": "http://hl7.org/fhir/SearchParameter/Resource-id"],
                    ["name": "_lastUpdated", "type": "date", "definition": "http://hl7.org/fhir/SearchParameter/Resource-lastUpdated"],
                ],
                "operation": [["name": "reindex", "definition": "https://dossier.health/OperationDefinition/reindex"]],
            ]],
        ]
        return addingSubscriptions(to: addingSecurity(to: statement))
    }

    /// The IHE MHD actors this server implements (ITI-65 recipient; ITI-67 and ITI-68 responder).
    static let mhdActors = [
        "https://profiles.ihe.net/ITI/MHD/CapabilityStatement/IHE.MHD.DocumentRecipient",
        "https://profiles.ihe.net/ITI/MHD/CapabilityStatement/IHE.MHD.DocumentResponder",
    ]

    /// What the document types do beyond plain REST.
    static let documentDocumentation: [String: String] = [
        "Binary": "ITI-68: GET Binary/id returns the raw content in its own Content-Type with ETag, Accept-Ranges and Range (206/416); with Accept: application/fhir+json, the Binary with base64 data (small documents only). POST Binary / PUT Binary/id with a non-FHIR Content-Type streams the body to the content store (X-Security-Context: DocumentReference/ID or Patient/ID). Content is stored by SHA-256 and deduplicated; it is read by those who may read its DocumentReference (Binary.securityContext). Search is the operator's only.",
        "DocumentReference": "ITI-65 (transaction Bundle with a SubmissionSet List), ITI-67 search. type/category codes of the ANS DMP systems are validated; content.attachment.hash (SHA-1) and size are checked against the content; relatesTo replaces makes the replaced document superseded in the same transaction.",
    ]
}
