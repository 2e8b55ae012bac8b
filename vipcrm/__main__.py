from vipcrm.cli.app import main

main()
