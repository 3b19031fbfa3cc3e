/** The `Server` header of every S3 response: how a replicating peer recognizes one of ours. */
export const SERVER_NAME = 'ObjectStore';
