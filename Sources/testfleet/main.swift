import TestfleetCLI

TestfleetCommand.main()
