// The archive boundary's types (what the protocols ask of the catalogue, and the UWS job records) are used
// throughout the server.
global using VoSpec.Archive.Jobs;
global using VoSpec.Archive.Queries;
