"""The emulator's own HTTP endpoints, beside the AWS API: one list of paths for the emulator
(behaviour.control, emulator.server) and for its clients (simulate, decision, backends.emulador)."""

SERVICE_ID = "ecslab-emulador"  # what STATUS_PATH answers as "servico": our emulator, not another one
STATUS_PATH = "/ecslab/status"  # GET: which emulator answers here
CLOCK_PATH = "/ecslab/relogio"  # GET: the simulated time; POST {"avancar": s}: move it forward
SPOT_PATH = "/ecslab/interrupcao-spot"  # POST: a Spot interruption
RESET_PATH = "/ecslab/reset"  # POST: reset moto's backends (only from the emulator's machine)
LOAD_PATH = "/ecslab/carga"  # POST: a service's synthetic load
DECISION_PATH = "/ecslab/decisao"  # GET ?aluno= / POST: lab 06's decision
AUDIT_PATH = "/ecslab/auditoria"  # GET (the instructor): a class emulator's refused writes and cross-identity changes
CLASS_PATH = "/ecslab/turma"  # GET ?aluno=: the port of the class emulator's process that serves this student
