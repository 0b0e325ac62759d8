/**
 * Kafka for node runtimes: connections, the shared producers, the consumer. Server-only (kafkajs):
 * the editor bundle must never reach this module. Runtimes import from here only, so the client
 * library can be swapped without touching them.
 */
export { BROKERS_MISSING, brokersOf, connectionOf, kafkaConfigured, serverBrokers, type KafkaClusterConfig, type KafkaConnection } from './connection';
export { kafkaFailure } from './errors';
export { closeProducers, produce, type OutgoingRecord, type ProducerOptions, type Written } from './producer';
