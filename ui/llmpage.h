#pragma once

#include "agent/llmprobe.h"
#include "core/cancellationtoken.h"
#include "project/llmsetup.h"
#include "project/projectconfig.h"

#include <QList>
#include <QWizardPage>

class QComboBox;
class QFormLayout;
class QGridLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace ktx {

// Setup step "llm": which model ktx uses. The backend decides which fields show
// (key, base URL, Vertex project and region, one model or one per role, filled
// from LlmSettings::presetModels). "Check" runs LlmProbe on the thread pool with
// the values on screen, shows a spinner and can be stopped; its answer names
// the verdict and the exact fix. Next writes the choice to ktx.yaml through
// LlmSetup (the writer `ktx setup --llm-*` uses; comments kept) on the thread
// pool, and only when it differs from what the file says. A typed key goes to
// .ktx/secrets/ and ktx.yaml gets the file: reference; it never reaches
// ktx.yaml, wizard.json or the log.
class LlmPage : public QWizardPage
{
    Q_OBJECT
    // Registered as the SetupField::LlmBackend and LlmKeySource fields.
    Q_PROPERTY(QString backend READ backend WRITE setBackend NOTIFY backendChanged)
    Q_PROPERTY(QString keySource READ keySource WRITE setKeySource NOTIFY keySourceChanged)

public:
    explicit LlmPage(QWidget *parent = nullptr);
    ~LlmPage() override;

    QString backend() const; // one of LlmConfig::backends()
    void setBackend(const QString &backend);
    QString keySource() const; // "env" | "secret" | "file"
    void setKeySource(const QString &source);

    // What Next would write (the key as the reference it will have).
    LlmSetupChoice choice() const;
    // True when Next would change ktx.yaml (or store a typed key).
    bool hasUnsavedChanges() const;
    // Why the values on screen cannot be checked or saved; empty when they can.
    QString inputProblem() const;

    bool isLoading() const { return m_loading; }
    bool isChecking() const { return m_checking; }
    bool isSaving() const { return m_saving; }
    // The answer of the last check that finished (and was not made stale by an edit).
    const LlmProbeResult &checkResult() const { return m_result; }

    void initializePage() override;
    bool isComplete() const override;
    // Unchanged: on to the next page. Changed: saves on the pool first and moves
    // on when ktx.yaml is written; a failure stays on the page with its message.
    bool validatePage() override;
    int nextId() const override;

public Q_SLOTS:
    void check();
    void cancelCheck();
    void resetModels(); // the backend's presets

Q_SIGNALS:
    void backendChanged();
    void keySourceChanged();
    void configLoaded();
    void checkFinished(bool ok);
    void saved();
    void saveFailed(const QString &message);

protected:
    void changeEvent(QEvent *event) override;

private:
    enum class Tone { None, Ok, Error, Busy };

    QString projectDir() const;
    // Fills every field for `backend` from ktx.yaml's values where it has them,
    // else from the presets and defaults.
    void populate(const QString &backend);
    void onBackendChosen();
    void onInputChanged();
    void updateForm();
    void save();
    void rememberSaved(const LlmSetupChoice &written);
    // The choice as ktx.yaml records it, for telling whether Next has to write.
    LlmSetupChoice fileChoice() const;
    LlmConfig configForCheck() const;
    // The key reference ktx.yaml has for `backend`'s endpoint.
    QString savedKeyRef(const QString &backend) const;
    bool hasStoredSecret() const;
    QString keyNote() const;
    void showResult(Tone tone, const QString &html);
    void updateColors();

    QWidget *m_content = nullptr;
    QFormLayout *m_form = nullptr;
    QComboBox *m_backend = nullptr;
    QLabel *m_description = nullptr;
    QWidget *m_keyField = nullptr; // the key row and its note
    QWidget *m_keyRow = nullptr;
    QComboBox *m_keySource = nullptr;
    QLineEdit *m_keyEnv = nullptr;
    QLineEdit *m_keyValue = nullptr;
    QLineEdit *m_keyFile = nullptr;
    QLabel *m_keyNote = nullptr;
    QLineEdit *m_baseUrl = nullptr;
    QLineEdit *m_vertexProject = nullptr;
    QLineEdit *m_vertexLocation = nullptr;
    QGroupBox *m_modelsBox = nullptr;
    QGridLayout *m_modelsGrid = nullptr;
    QList<QLabel *> m_modelLabels; // LlmConfig::roles() order
    QList<QLineEdit *> m_models;
    QPushButton *m_presets = nullptr;
    QLabel *m_problem = nullptr;
    QPushButton *m_check = nullptr;
    QPushButton *m_stop = nullptr;
    QProgressBar *m_busy = nullptr;
    QLabel *m_resultIcon = nullptr;
    QLabel *m_resultText = nullptr;

    LlmConfig m_saved; // the llm block of ktx.yaml as last read or written
    LlmSetupChoice m_savedChoice; // what the page showed for it
    LlmProbeResult m_result;
    CancellationToken m_cancel;
    Tone m_tone = Tone::None;
    bool m_populating = false;
    bool m_loading = false;
    bool m_checking = false;
    bool m_saving = false;
    bool m_advanceAfterSave = false;
    // Bumped by every check and every edit: an answer about older input is dropped.
    quint64 m_checkGeneration = 0;
    quint64 m_loadGeneration = 0;
};

} // namespace ktx
