@testable import Auth
import Testing

@Suite("SMART scopes")
struct ScopeTests {
    @Test func v2ResourceScopesParseIntoTypedValues() throws {
        let set = ScopeSet(parsing: "patient/Observation.rs user/*.cruds system/*.rs")
        #expect(set.unrecognised.isEmpty)
        #expect(set.resourceScopes == [
            ResourceScope(context: .patient, resourceType: "Observation", permissions: [.read, .search]),
            ResourceScope(context: .user, resourceType: "*", permissions: .all),
            ResourceScope(context: .system, resourceType: "*", permissions: [.read, .search]),
        ])
        #expect(set.description == "patient/Observation.rs user/*.cruds system/*.rs")
    }

    @Test func v1ScopesAreReadAsTheirV2Equivalents() {
        #expect(ScopeSet(parsing: "patient/*.read").description == "patient/*.rs")
        #expect(ScopeSet(parsing: "user/Patient.write").description == "user/Patient.cud")
        #expect(ScopeSet(parsing: "system/*.*").description == "system/*.cruds")
    }

    @Test func granularQueryIsKept() throws {
        let text = "patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory"
        let scope = try #require(ResourceScope(Substring(text)))
        #expect(scope.query == "category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory")
        #expect(scope.text == text)
        #expect(scope.allows(.read, on: "Observation"))
        #expect(!scope.allows(.read, on: "Condition"))
        #expect(!scope.allows(.create, on: "Observation"))
    }

    @Test func launchAndIdentityScopesAreRecognised() {
        let set = ScopeSet(parsing: "openid fhirUser launch/patient offline_access online_access launch")
        #expect(set.scopes == [.openid, .fhirUser, .launchPatient, .offlineAccess, .onlineAccess, .launch])
    }

    @Test func malformedScopesAreNotGrantedButReported() {
        let set = ScopeSet(parsing: "patient/Observation.sr patient/observation.rs practitioner/*.rs patient/*.xyz patient/*.rs? banana patient/*.rs")
        #expect(set.description == "patient/*.rs")
        #expect(set.unrecognised == ["patient/Observation.sr", "patient/observation.rs", "practitioner/*.rs", "patient/*.xyz", "patient/*.rs?", "banana"])
    }

    @Test func duplicatesCollapse() {
        #expect(ScopeSet(parsing: "openid openid patient/*.read patient/*.rs").description == "openid patient/*.rs")
    }

    @Test func grantableScopesFollowTheAccountKind() throws {
        let requested = ScopeSet(parsing: "patient/*.rs user/*.rs system/*.rs launch/patient openid fhirUser launch")
        let practitioner = AccountBinding.practitioner(try #require(ActorReference("Practitioner/p1")), role: nil)
        #expect(AuthorizationServer.grantableScopes(requested, for: practitioner).description == "user/*.rs openid fhirUser")
        let patient = AccountBinding.patient(try #require(ActorReference("Patient/x")))
        #expect(AuthorizationServer.grantableScopes(requested, for: patient).description == "patient/*.rs user/*.rs launch/patient openid fhirUser")
    }

    @Test func lifetimesParseAsOperatorsWriteThem() {
        #expect(Lifetime("1h")?.seconds == 3600)
        #expect(Lifetime("90s")?.seconds == 90)
        #expect(Lifetime("15m")?.seconds == 900)
        #expect(Lifetime("2d")?.seconds == 172_800)
        #expect(Lifetime("600")?.seconds == 600)
        #expect(Lifetime("0h") == nil)
        #expect(Lifetime("-1h") == nil)
        #expect(Lifetime("h") == nil)
        #expect(Lifetime(seconds: 43_200).description == "12h")
    }
}
