import TestfleetCLI

TestfleetCommand.runAndExit()
