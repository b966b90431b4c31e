from ntm_eval.cli import main

main()
