@testable import Auth
import Foundation
import Testing

@Suite("Accounts and clients")
struct AdministrationTests {
    @Test func accountsRoundTripThroughTheStoreWithTheirBinding() async throws {
        let fixture = try await AuthFixture()
        let representative = AccountBinding.relatedPerson(try #require(ActorReference("RelatedPerson/rp1")), patient: ActorReference("Patient/child"))
        let (_, noCode) = try await fixture.server.createAccount(username: "parent", password: "long enough pass", binding: representative)
        #expect(noCode == nil)
        let (_, code) = try await fixture.server.createAccount(
            username: "dr.b", password: "long enough pass",
            binding: .practitioner(try #require(ActorReference("Practitioner/p2")), role: ActorReference("PractitionerRole/r2")))
        #expect(code?.secret.count == 20)
        let stored = try await fixture.store.accounts()
        #expect(stored.map(\.username) == ["dr.b", "parent"])
        #expect(stored[1].binding == representative)
        #expect(stored[1].binding.patientContext?.description == "Patient/child")
        #expect(stored[0].binding.role?.description == "PractitionerRole/r2")
        #expect(stored[0].totpSecret == code?.secret)
    }

    @Test func duplicatesAndWeakInputAreRefused() async throws {
        let fixture = try await AuthFixture()
        let patient = AccountBinding.patient(try #require(ActorReference("Patient/p")))
        _ = try await fixture.server.createAccount(username: "alice", password: "long enough pass", binding: patient)
        let duplicate = await #expect(throws: AuthStoreError.self) {
            try await fixture.server.createAccount(username: "alice", password: "long enough pass", binding: patient)
        }
        #expect(duplicate?.code == .duplicate)
        let short = await #expect(throws: AuthStoreError.self) {
            try await fixture.server.createAccount(username: "bob", password: "short", binding: patient)
        }
        #expect(short?.code == .invalid)
        await #expect(throws: AuthStoreError.self) {
            try await fixture.server.createAccount(username: "bad name", password: "long enough pass", binding: patient)
        }
    }

    @Test func clientRegistrationsAreChecked() async throws {
        let fixture = try await AuthFixture()
        _ = try await fixture.server.registerClient(clientID: "app", redirectURIs: ["https://app.example/cb", "com.example.app:/cb"], jwksJSON: nil)
        let duplicate = await #expect(throws: AuthStoreError.self) {
            try await fixture.server.registerClient(clientID: "app", redirectURIs: ["https://app.example/cb"], jwksJSON: nil)
        }
        #expect(duplicate?.code == .duplicate)
        let key = BackendKey()
        await #expect(throws: AuthStoreError.self) {
            try await fixture.server.registerClient(clientID: "both", redirectURIs: ["https://x.example/cb"], jwksJSON: key.jwksJSON)
        }
        await #expect(throws: AuthStoreError.self) {
            try await fixture.server.registerClient(clientID: "fragment", redirectURIs: ["https://x.example/cb#frag"], jwksJSON: nil)
        }
        let withPrivateKey = key.jwksJSON.replacingOccurrences(of: #""kid""#, with: #""d":"c2VjcmV0","kid""#)
        await #expect(throws: AuthStoreError.self) {
            try await fixture.server.registerClient(clientID: "leaky", redirectURIs: [], jwksJSON: withPrivateKey)
        }
        await #expect(throws: AuthStoreError.self) {
            try await fixture.server.registerClient(clientID: "broken", redirectURIs: [], jwksJSON: "{not json")
        }
        let clients = try await fixture.store.clients()
        #expect(clients.map(\.clientID) == ["app"])
        #expect(clients[0].redirectURIs == ["https://app.example/cb", "com.example.app:/cb"])
        #expect(clients[0].kind == .public)
    }
}
