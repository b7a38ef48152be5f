import Synchronization
import Testing
@testable import SQLiteStore

/// The queue behind group commit: jobs that arrive while a batch is processed form the next batch.
@Suite struct GroupCommitQueueTests {
    @Test func jobsArrivingDuringABatchAreProcessedTogetherInOrder() async throws {
        let batches = Mutex<[[Int]]>([])
        let queue = GroupCommitQueue<Int>(maximumBatchSize: 16) { batch in
            batches.withLock { $0.append(batch) }
            try? await Task.sleep(for: .milliseconds(20)) // a slow commit
        }
        #expect(queue.submit(0))
        try await Task.sleep(for: .milliseconds(5)) // the first batch is being processed
        for job in 1...40 { #expect(queue.submit(job)) }
        await queue.close()

        let processed = batches.withLock { $0 }
        #expect(processed.flatMap { $0 } == Array(0...40))
        #expect(processed.first == [0])
        #expect(processed.dropFirst().map(\.count) == [16, 16, 8])
    }

    @Test func closedQueueRefusesJobsAndCloseWaitsForQueuedOnes() async throws {
        let processed = Mutex(0)
        let queue = GroupCommitQueue<Int>(maximumBatchSize: 4) { batch in
            try? await Task.sleep(for: .milliseconds(10))
            processed.withLock { $0 += batch.count }
        }
        for job in 0..<10 { #expect(queue.submit(job)) }
        await queue.close()
        #expect(processed.withLock { $0 } == 10)
        #expect(!queue.submit(99))
        await queue.close() // closing again returns at once
    }
}
