import Foundation
import Store
import Testing

/// The store conformance suite: the behaviour of ``Store/FHIRStore`` written once, against the protocol only,
/// so that every backend (SQLite, PostgreSQL) is held to the same contract. Failures are reported with Swift
/// Testing's `#expect` / `#require`.
public enum StoreConformance {
    /// Runs one case on a fresh, empty store from `makeStore`, and closes it afterwards.
    public static func run(
        _ behaviour: StoreConformanceCase,
        makeStore: () async throws -> any FHIRStore
    ) async throws {
        let store = try await makeStore()
        do {
            try await body(of: behaviour)(store)
        } catch {
            try? await store.close()
            throw error
        }
        try? await store.close()
    }

    private static func body(of behaviour: StoreConformanceCase) -> (any FHIRStore) async throws -> Void {
        switch behaviour {
        case .createThenReadAndVread: createThenReadAndVread
        case .updateIncrementsVersion: updateIncrementsVersion
        case .deleteLeavesTombstoneAndRecreateContinuesVersions: deleteLeavesTombstoneAndRecreateContinuesVersions
        case .versionConflictIsRejectedAndChangesNothing: versionConflictIsRejectedAndChangesNothing
        case .throwingBodyChangesNothing: throwingBodyChangesNothing
        case .readsInsideTransactionSeeEarlierPuts: readsInsideTransactionSeeEarlierPuts
        case .timestampsStrictlyIncrease: timestampsStrictlyIncrease
        case .concurrentWritesAllLandWithDistinctIncreasingTimestamps:
            concurrentWritesAllLandWithDistinctIncreasingTimestamps
        case .failingBodiesInAGroupDoNotAffectTheOthers: failingBodiesInAGroupDoNotAffectTheOthers
        case .closedStoreRejectsCalls: closedStoreRejectsCalls
        case .historyListsInstanceTypeAndSystemNewestFirst: historyListsInstanceTypeAndSystemNewestFirst
        case .historyFiltersBySinceAndAt: historyFiltersBySinceAndAt
        case .historyPagingStaysConsistentWhileWritesArrive: historyPagingStaysConsistentWhileWritesArrive
        case .changesFollowCommitOrderFromACursor: changesFollowCommitOrderFromACursor
        case .searchById: searchById
        case .searchByTokenValueForms: searchByTokenValueForms
        case .searchCombinesConditionsWithAndAndValuesWithOr: searchCombinesConditionsWithAndAndValuesWithOr
        case .searchSeesOnlyCurrentIndexOfLiveResources: searchSeesOnlyCurrentIndexOfLiveResources
        case .searchOrdersByTypeThenIdAndHonoursLimit: searchOrdersByTypeThenIdAndHonoursLimit
        case .searchComparesDatesOnRangeBoundaries: searchComparesDatesOnRangeBoundaries
        case .searchComparesNumbersAndQuantities: searchComparesNumbersAndQuantities
        case .searchMatchesStringsAndUris: searchMatchesStringsAndUris
        case .searchMatchesReferencesIdentifiersAndText: searchMatchesReferencesIdentifiersAndText
        case .searchNestsAndOrNotMissingTypesAndPatientRecord: searchNestsAndOrNotMissingTypesAndPatientRecord
        case .compositeMatchesComponentsOfTheSameOccurrence: compositeMatchesComponentsOfTheSameOccurrence
        case .chainsAndReverseChainsFollowReferences: chainsAndReverseChainsFollowReferences
        case .sortsByParametersWithMissingValuesLast: sortsByParametersWithMissingValuesLast
        case .pagesForwardAndBackwardStayConsistentWhileDataChanges: pagesForwardAndBackwardStayConsistentWhileDataChanges
        case .indexIsReplacedOnUpdateDeleteKeyChangeAndReindex: indexIsReplacedOnUpdateDeleteKeyChangeAndReindex
        case .resourcesCarryTheirPatientKey: resourcesCarryTheirPatientKey
        case .changingPatientKeyKeepsHistoryReadable: changingPatientKeyKeepsHistoryReadable
        }
    }
}
