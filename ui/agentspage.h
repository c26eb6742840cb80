#pragma once

#include "serve/agentintegration.h"

#include <QMap>
#include <QWizardPage>

class QButtonGroup;
class QCheckBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QTreeWidget;

namespace ktx {

// Setup step "agents": connect coding agents (Claude Code, Codex, Cursor,
// OpenCode, universal .agents) to the project, as `ktx setup --agents` does.
// Every change of targets, scope or mode plans the install on the thread pool
// and lists exactly which files would be created or changed, and what is
// printed instead (the Codex and OpenCode snippets). Install applies that
// plan on the pool and shows the outcome per file. Nothing is written before
// Install; Next moves on without installing.
class AgentsPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit AgentsPage(QWidget *parent = nullptr);

    // The project when the page is used outside the setup wizard (tests).
    void setProjectDir(const QString &dir);
    QString projectDir() const;

    QStringList selectedTargets() const;
    void setSelectedTargets(const QStringList &targets);
    QString scope() const; // project | global
    void setScope(const QString &scope);
    QString mode() const; // mcp | mcp-cli
    void setMode(const QString &mode);

    bool isPlanning() const { return m_planning; }
    bool isBusy() const { return m_installing; }
    // The plan on screen (after an install: what it did).
    const AgentIntegrationPlan &plan() const { return m_plan; }
    QString problem() const { return m_problem; }

    void initializePage() override;
    bool isComplete() const override; // not while installing
    int nextId() const override;

public Q_SLOTS:
    void refreshPreview();
    void install();

Q_SIGNALS:
    void previewReady();
    void installFinished(bool ok);

private:
    AgentIntegrationRequest request() const;
    void updateControls();
    void showPlan(const AgentIntegrationPlan &plan, bool applied);
    void showProblem(const QString &text);

    QMap<QString, QCheckBox *> m_targets;
    QButtonGroup *m_scopeGroup = nullptr;
    QRadioButton *m_projectScope = nullptr;
    QRadioButton *m_globalScope = nullptr;
    QButtonGroup *m_modeGroup = nullptr;
    QRadioButton *m_mcpMode = nullptr;
    QRadioButton *m_cliMode = nullptr;
    QCheckBox *m_writeCodexConfig = nullptr;
    QLabel *m_endpoint = nullptr;
    QTreeWidget *m_preview = nullptr;
    QLabel *m_notes = nullptr;
    QLabel *m_result = nullptr;
    QPushButton *m_install = nullptr;
    QProgressBar *m_busy = nullptr;

    QString m_projectDir;
    AgentIntegrationPlan m_plan;
    QString m_problem;
    bool m_planOk = false;
    bool m_planning = false;
    bool m_installing = false;
    quint64 m_generation = 0; // an answer about older choices is dropped
};

} // namespace ktx
