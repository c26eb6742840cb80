#pragma once

#include "core/result.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace ktx {

// Setup progress kept under .ktx/setup/ so a closed wizard (or an interrupted
// `ktx setup`) resumes where it stopped.
// - state.json: {"completed_steps": [...]}, the original's format
//   (steps: project, llm, embeddings, databases, sources, runtime, context, agents);
// - wizard.json: the desktop wizard's current page and field values (ours).
struct SetupProgress
{
    QStringList completedSteps;
    QString currentPage; // wizard page id, empty when not started
    QJsonObject fields; // wizard field name -> value (no secrets: those go to .ktx/secrets)

    bool isCompleted(const QString &step) const { return completedSteps.contains(step); }
    void markCompleted(const QString &step);

    static SetupProgress load(const QString &projectDir);
    Result<void> save(const QString &projectDir) const;
};

} // namespace ktx
