import LeadLedgerCore
import LeadLedgerEngine
import Testing

@Suite("librdkafka statistics")
struct KafkaStatisticsTests {
    /// A consumer's document as librdkafka 2.x writes it (trimmed to the members
    /// LeadLedger reads, plus neighbours it must skip).
    static let consumer = #"""
        {"name":"leadledger-run-materialize#consumer-3","client_id":"leadledger-run-materialize","type":"consumer",
         "ts":5016558123,"time":1765052287,"replyq":2,"msg_cnt":0,"msg_size":0,
         "brokers":{
           "127.0.0.1:19210/bootstrap":{"name":"127.0.0.1:19210/bootstrap","nodeid":-1,"state":"UP","outbuf_cnt":0,
             "rtt":{"min":0,"max":0,"avg":0,"p99":0,"cnt":0}},
           "127.0.0.1:19210/111":{"name":"127.0.0.1:19210/111","nodeid":111,"state":"UP","outbuf_cnt":3,
             "rtt":{"min":120,"max":9000,"avg":244,"p50":200,"p99":1530,"cnt":12},
             "toppars":{"leadledger.events-0":{"topic":"leadledger.events","partition":0}}}
         },
         "topics":{
           "leadledger.events":{"topic":"leadledger.events","partitions":{
             "0":{"partition":0,"fetch_state":"active","fetchq_cnt":17,"fetchq_size":20480,"consumer_lag":42,"hi_offset":300},
             "1":{"partition":1,"fetch_state":"none","fetchq_cnt":0,"fetchq_size":0,"consumer_lag":-1},
             "-1":{"partition":-1,"fetch_state":"none","fetchq_cnt":0,"fetchq_size":0,"consumer_lag":-1}}}
         },
         "cgrp":{"state":"up","rebalance_cnt":1}}
        """#

    @Test func readsAConsumerDocument() throws {
        let statistics = try KafkaStatistics(json: Array(Self.consumer.utf8))
        #expect(statistics.clientID == "leadledger-run-materialize")
        #expect(statistics.type == "consumer")
        #expect(statistics.replyQueue == 2)
        #expect(statistics.brokers.map(\.name) == ["127.0.0.1:19210/bootstrap", "127.0.0.1:19210/111"])
        let broker = try #require(statistics.brokers.first { $0.nodeID == 111 })
        #expect(broker.rttAverageMicroseconds == 244)
        #expect(broker.rttP99Microseconds == 1530)
        #expect(broker.outbufRequests == 3)
        // The internal partition -1 is skipped; the others keep their fetch state.
        #expect(statistics.partitions.map(\.partition) == [0, 1])
        let active = try #require(statistics.partitions.first)
        #expect(active.topic == "leadledger.events")
        #expect(active.fetchState == "active")
        #expect(active.fetchQueueMessages == 17)
        #expect(active.fetchQueueBytes == 20480)
        #expect(active.consumerLag == 42)
        #expect(statistics.partitions[1].consumerLag == -1)
    }

    @Test func readsAProducerDocument() throws {
        let producer =
            #"{"client_id":"leadledger-run","type":"producer","msg_cnt":1250,"msg_size":734003,"replyq":0,"brokers":{},"topics":{}}"#
        let statistics = try KafkaStatistics(json: Array(producer.utf8))
        #expect(statistics.type == "producer")
        #expect(statistics.messageCount == 1250)
        #expect(statistics.messageBytes == 734003)
        #expect(statistics.brokers.isEmpty && statistics.partitions.isEmpty)
    }

    @Test func missingMembersKeepTheirDefaults() throws {
        let statistics = try KafkaStatistics(json: Array(#"{"brokers":{"b":{"nodeid":1}},"topics":{"t":{}}}"#.utf8))
        #expect(statistics.clientID == "" && statistics.type == "")
        #expect(statistics.brokers.first?.name == "b")
        #expect(statistics.brokers.first?.rttAverageMicroseconds == 0)
        #expect(statistics.partitions.isEmpty)
    }

    @Test(arguments: ["", "[1,2]", "{\"client_id\":", "{\"a\":1} trailing"])
    func rejectsWhatIsNotAStatisticsObject(_ text: String) {
        #expect(throws: ContractError.self) { try KafkaStatistics(json: Array(text.utf8)) }
    }
}
