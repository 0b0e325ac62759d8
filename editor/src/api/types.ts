/** What the server's API answers, as the editor reads it: the shared contracts (contracts/api). */
export type { CredentialInfo, DeployResult, FlowSummary, FlowView, ImportedFlow, NodeTypeSpec, ProblemDocument } from '../../../contracts/api';
