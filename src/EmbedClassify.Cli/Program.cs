using EmbedClassify.Cli;

return await Tool.RunAsync(args).ConfigureAwait(false);
