#pragma once

#include <QStringList>
#include <QWizardPage>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace ktx {

// Setup step "databases": one warehouse connection at a time (SQLite,
// PostgreSQL or MySQL/MariaDB). "Test connection" opens a read-only session and
// counts the tables on the thread pool; "Add connection" writes
// connections.<id> into ktx.yaml through ConfigEditor (comments kept) on the
// thread pool and marks the step completed. The password never reaches
// ktx.yaml, wizard.json or the log: it is stored under .ktx/secrets/ or
// referenced as an environment variable.
class DatabasesPage : public QWizardPage
{
    Q_OBJECT
    // Registered as the SetupField::DatabaseDriver field.
    Q_PROPERTY(QString driver READ driver WRITE setDriver NOTIFY driverChanged)
    Q_PROPERTY(QString passwordSource READ passwordSource WRITE setPasswordSource NOTIFY
                   passwordSourceChanged)

public:
    explicit DatabasesPage(QWidget *parent = nullptr);

    QString driver() const; // "sqlite" | "postgres" | "mysql"
    void setDriver(const QString &driver);
    QString passwordSource() const; // "secret" | "env"
    void setPasswordSource(const QString &source);

    // The id Add would use: typed, else derived from the database or file name.
    QString connectionId() const;
    bool isTesting() const { return m_testing; }
    bool isSaving() const { return m_saving; }
    QStringList addedConnections() const { return m_added; }

    void initializePage() override;
    bool isComplete() const override;
    int nextId() const override;

public Q_SLOTS:
    void testConnection();
    void addConnection();

Q_SIGNALS:
    void driverChanged();
    void passwordSourceChanged();
    void testFinished(bool ok);
    void connectionAdded(const QString &id);
    void addFailed(const QString &message);

protected:
    void changeEvent(QEvent *event) override;

private:
    enum class Tone { None, Ok, Error, Busy };

    QString projectDir() const;
    QString suggestedId() const;
    QString idProblem() const; // empty when the id can be used
    void chooseFile();
    void onInputChanged();
    void updateForm();
    void updateButtons();
    void showResult(Tone tone, const QString &text);
    void updateColors();

    QComboBox *m_driver = nullptr;
    QFormLayout *m_form = nullptr;
    QWidget *m_fileRow = nullptr;
    QLineEdit *m_file = nullptr;
    QLineEdit *m_host = nullptr;
    QSpinBox *m_port = nullptr;
    QLineEdit *m_database = nullptr;
    QLineEdit *m_user = nullptr;
    QLineEdit *m_password = nullptr;
    QComboBox *m_passwordSource = nullptr;
    QLineEdit *m_passwordEnv = nullptr;
    QLineEdit *m_schemas = nullptr;
    QComboBox *m_sslMode = nullptr;
    QLineEdit *m_id = nullptr;
    QLabel *m_idMessage = nullptr;
    QPushButton *m_test = nullptr;
    QPushButton *m_add = nullptr;
    QProgressBar *m_busy = nullptr;
    QLabel *m_resultIcon = nullptr;
    QLabel *m_result = nullptr;
    QLabel *m_addedLabel = nullptr;

    QString m_lastDriver;
    QStringList m_existingIds;
    QStringList m_added;
    Tone m_tone = Tone::None;
    bool m_idEdited = false;
    bool m_testing = false;
    bool m_saving = false;
    // Bumped by every test and every edit: a test result from older input is dropped.
    quint64 m_testGeneration = 0;
    quint64 m_idsGeneration = 0;
};

} // namespace ktx
