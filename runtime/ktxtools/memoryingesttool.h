#pragma once

#include "ktxtools/ktxtoolcontext.h"
#include "tools/agenttool.h"

namespace ktx {

// memory_ingest: captures free-form Markdown and starts a memory-agent run in
// the background (one run at a time per process, in order), returning {runId}
// at once. The run is the enriched pipeline over the note (TextMemoryIngest):
// wiki pages, with connectionId also semantic-layer edits, landed as one commit.
AgentTool makeMemoryIngestTool(KtxToolContextPtr context);

// memory_ingest_status: {runId, status running|done|error, stage, done,
// captured{wiki, sl, xrefs}, error, commitHash, skillsLoaded, signalDetected}
// from the run store (a run still queued in this process reports "queued").
AgentTool makeMemoryIngestStatusTool(KtxToolContextPtr context);

// The memory tools are served only when a model backend is configured, as in
// the original (ktx-fixtures/ktx-tools-list-with-llm.json).
bool memoryIngestAvailable(const ProjectConfig &config);

} // namespace ktx
