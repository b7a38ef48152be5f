/// One behaviour every ``Store/FHIRStore`` backend must have. Run each with
/// ``StoreConformance/run(_:makeStore:)``, typically from one parameterised test per backend:
///
/// ```swift
/// @Test(arguments: StoreConformanceCase.allCases)
/// func conformance(_ behaviour: StoreConformanceCase) async throws {
///     try await StoreConformance.run(behaviour) { try MyStore(...) }
/// }
/// ```
public enum StoreConformanceCase: String, CaseIterable, Sendable {
    // Versions
    case createThenReadAndVread
    case updateIncrementsVersion
    case deleteLeavesTombstoneAndRecreateContinuesVersions
    case versionConflictIsRejectedAndChangesNothing
    // Transactions
    case throwingBodyChangesNothing
    case readsInsideTransactionSeeEarlierPuts
    case timestampsStrictlyIncrease
    case concurrentWritesAllLandWithDistinctIncreasingTimestamps
    case failingBodiesInAGroupDoNotAffectTheOthers
    case closedStoreRejectsCalls
    // History
    case historyListsInstanceTypeAndSystemNewestFirst
    case historyFiltersBySinceAndAt
    case historyPagingStaysConsistentWhileWritesArrive
    case changesFollowCommitOrderFromACursor
    // Search
    case searchById
    case searchByTokenValueForms
    case searchCombinesConditionsWithAndAndValuesWithOr
    case searchSeesOnlyCurrentIndexOfLiveResources
    case searchOrdersByTypeThenIdAndHonoursLimit
    // Search model
    case searchComparesDatesOnRangeBoundaries
    case searchComparesNumbersAndQuantities
    case searchMatchesStringsAndUris
    case searchMatchesReferencesIdentifiersAndText
    case searchNestsAndOrNotMissingTypesAndPatientRecord
    case compositeMatchesComponentsOfTheSameOccurrence
    case chainsAndReverseChainsFollowReferences
    case sortsByParametersWithMissingValuesLast
    case pagesForwardAndBackwardStayConsistentWhileDataChanges
    case indexIsReplacedOnUpdateDeleteKeyChangeAndReindex
    // Patient key
    case resourcesCarryTheirPatientKey
    case changingPatientKeyKeepsHistoryReadable
}
