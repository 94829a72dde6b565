import Foundation
import TestSupport

/// The impact tests' repositories are plain git fixtures.
typealias FixtureRepository = GitFixture

extension GitFixture {
    /// A small Python project: a package `app` with a chain util ← core ← api, and tests.
    static func pythonProject() throws -> FixtureRepository {
        let repository = try FixtureRepository()
        try repository.write([
            "README.md": "fixture\n",
            "requirements.txt": "pytest\n",
            "app/__init__.py": "",
            "app/util.py": "def double(x):\n    return 2 * x\n",
            "app/core.py": "from app.util import double\n\ndef quad(x):\n    return double(double(x))\n",
            "app/api.py": "from . import core\n\ndef handle(x):\n    return core.quad(x)\n",
            "app/legacy.py": "OLD = 1\n",
            "tests/test_util.py": "from app.util import double\n\ndef test_double():\n    assert double(2) == 4\n",
            "tests/test_core.py": "import app.core\n\ndef test_quad():\n    assert app.core.quad(1) == 4\n",
            "tests/test_api.py": "from app import api\n\ndef test_handle():\n    assert api.handle(1) == 4\n",
            "tests/test_legacy.py": "def test_legacy():\n    from app.legacy import OLD\n    assert OLD == 1\n",
            "tests/test_plain.py": "import json\n\ndef test_json():\n    assert json.loads('1') == 1\n",
        ])
        try repository.commit("initial project")
        return repository
    }
}
